import type { Alert, CrmConnection, ErrorEntry, Location, Shop } from '../model';
import type { Health, TargetHealth } from '../engine/health';
import type { AlertGroup } from '../runtime/issues';

/** What front ends see of a shop: its settings, never its credentials. */
type WithoutSecretRef<T> = T extends unknown ? Omit<T, 'secretRef'> & { hasCredentials: boolean } : never;
export type ShopView = WithoutSecretRef<Shop>;
export type CrmView = WithoutSecretRef<CrmConnection>;

export interface StockView {
  sku: string;
  onHand: Record<string, number>;
  totalOnHand: number;
  committed: number;
  /** On hand less committed, never below 0, over all locations. */
  available: number;
}

export interface StockChange {
  sku: string;
  location: string;
  from: number | null;
  to: number;
}

export interface StockImportResult {
  applied: boolean;
  rows: number;
  changes: StockChange[];
  unchanged: number;
}

export interface StatusReport {
  dataDir: string;
  /** `engine`: answered by a running engine; `direct`: this process opened the store itself. */
  via: 'engine' | 'direct';
  engine: { pid: number; startedAt: string; paused: boolean } | null;
  secrets: 'keychain' | 'file';
  shops: { name: string; platform: string; prefix: string; location: string; orders: number; lastRun: Record<string, string>; health: TargetHealth }[];
  crms: { name: string; platform: string; health: TargetHealth }[];
  /** Every shop and CRM in one word with the reason (the tray, the window, the TUI and `status` show this). */
  health: Health;
  locations: number;
  skus: number;
  errors: number;
  alerts: number;
}

export type { Alert, AlertGroup, ErrorEntry, Health, Location, TargetHealth };
