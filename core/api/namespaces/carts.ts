// Captured checkouts and where each stands: capturing, abandoned, recovered, lost or unsubscribed.
import { z } from 'zod';
import { CartState, Name, type Cart } from '../../model';
import { method } from '../define';
import { namespace } from '../namespace';

export interface CartView {
  id: string;
  shop: string;
  state: z.infer<typeof CartState>;
  email: string;
  name: string;
  total: string;
  currency: string;
  items: number;
  capturedAt: string;
  stateChangedAt: string;
  /** Minutes since the customer's last activity on the checkout. */
  ageMinutes: number;
  crmBlocked: boolean;
}

const contract = {
  'carts.list': method<CartView[]>()(z.object({ state: CartState.optional(), shop: Name.optional() }).strict()),
};

function cartView(cart: Cart, now: Date): CartView {
  return {
    id: cart.id,
    shop: cart.shop,
    state: cart.state,
    email: cart.email,
    name: cart.name,
    total: cart.total,
    currency: cart.currency,
    items: cart.items.length,
    capturedAt: cart.capturedAt,
    stateChangedAt: cart.stateChangedAt,
    ageMinutes: Math.max(0, Math.floor((now.getTime() - new Date(cart.updatedAt).getTime()) / 60_000)),
    crmBlocked: cart.crmBlocked,
  };
}

export const carts = namespace(contract, {
  async 'carts.list'({ state, shop }, ctx) {
    const now = ctx.clock.now();
    return (await ctx.repos.carts.list({ state, shop }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map((c) => cartView(c, now));
  },
});
