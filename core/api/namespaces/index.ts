// Every namespace of the API, one line each. A namespace's module holds its methods' schemas and
// their handlers side by side; listing it here puts its methods on every transport.
export { status } from './status';
export { stock } from './stock';
export { shops } from './shops';
export { orders } from './orders';
export { sync } from './sync';
export { engine } from './engine';
export { issues } from './issues';
export { carts } from './carts';
export { rules } from './rules';
export { crm } from './crm';
export { settings } from './settings';
export { charts } from './charts';
export { ledger } from './ledger';
export { catalogue } from './catalogue';
