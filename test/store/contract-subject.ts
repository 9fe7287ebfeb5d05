// What a store implementation hands the contract suite (contract.ts and its additions): a fresh
// store that can be closed and reopened, and the states a crash could leave while units are written.
import type { Repositories } from '../../core/store/repositories';

export interface OpenedStore {
  repos: Repositories;
  close(): Promise<void>;
}

export interface ContractSubject {
  /** Opens the subject's store (the same one each time: what an earlier open wrote is there). */
  open(): Promise<OpenedStore>;
  /**
   * Runs `during` on the open store and returns an opener for each state a crash during it could
   * leave (at least: before anything, after everything, and between each durable step).
   */
  crashStates(during: (repos: Repositories) => Promise<void>): Promise<Array<() => Promise<OpenedStore>>>;
}

export interface ContractFactory {
  name: string;
  create(): Promise<ContractSubject>;
}
