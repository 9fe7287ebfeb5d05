/** The window's pages; the navigation and the pages that link to another page share it. */
export type Route = 'dashboard' | 'orders' | 'stock' | 'carts' | 'issues' | 'settings' | 'catalogue' | 'plan';
