// The global settings (cart sweep, stock push wait, CRM field mapping), read and edited from any front end.
import { z } from 'zod';
import { BOUNDS, boundedInt, CartSettings, OrderStatusList, Settings } from '../../model';
import { method } from '../define';
import { parseOrBadInput } from '../errors';
import { namespace } from '../namespace';

const cart = CartSettings.shape;
/** Cart settings without their defaults, so a field left out is left alone rather than reset. */
const cartChanges = z
  .object({
    tracking: cart.tracking.unwrap().optional(),
    cutoffMinutes: boundedInt(BOUNDS.cutoffMinutes).optional(),
    sweepMinutes: boundedInt(BOUNDS.sweepMinutes).optional(),
    recoveryWindowDays: boundedInt(BOUNDS.recoveryWindowDays).optional(),
    recoveryStatuses: OrderStatusList.optional(),
    excludedRoles: cart.excludedRoles.unwrap().max(50, 'may list at most 50 roles').optional(),
    blacklist: cart.blacklist.unwrap().max(10_000, 'may list at most 10,000 addresses or domains').optional(),
  })
  .strict();

/** Changes to the global settings (cart sweep, stock push debounce, CRM field mapping); anything left out stays. */
export const SettingsUpdateParams = z
  .object({
    carts: cartChanges.optional(),
    /** Replaces the whole CRM field mapping when given. */
    crmFields: Settings.shape.crmFields.unwrap().refine((fields) => Object.keys(fields).length <= 100, 'may map at most 100 fields').optional(),
    stockPushDebounceMs: boundedInt(BOUNDS.stockPushDebounceMs).optional(),
  })
  .strict();

const contract = {
  'settings.get': method<z.infer<typeof Settings>>()(z.object({}).strict()),
  'settings.update': method<z.infer<typeof Settings>>()(SettingsUpdateParams),
};

/** Edits are checked the same way as when the settings were first entered, and saved whole or not at all. */
export const settings = namespace(contract, {
  async 'settings.get'(_params, ctx) {
    return (await ctx.repos.settings.get()).settings;
  },

  async 'settings.update'(params, ctx) {
    const current = (await ctx.repos.settings.get()).settings;
    const valid = parseOrBadInput(Settings, {
      ...current,
      ...(params.stockPushDebounceMs !== undefined ? { stockPushDebounceMs: params.stockPushDebounceMs } : {}),
      ...(params.crmFields ? { crmFields: params.crmFields } : {}),
      carts: { ...current.carts, ...params.carts },
    });
    // Checked whole before anything is written: bad input leaves the stored settings as they were.
    await ctx.repos.write((w) => w.settings.update({ settings: valid }));
    ctx.events.emit('changed', { area: 'settings' });
    return valid;
  },
});
