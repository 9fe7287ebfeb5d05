/**
 * Raised when a data file cannot be used as it is. The file is never touched after this:
 * the message says which file, what is wrong and what the merchant can do.
 */
export class StoreFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'corrupt' | 'newer-version' | 'invalid',
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'StoreFileError';
  }
}

/** Another process owns the data directory and could not be reached as an engine. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(`The data directory ${dataDir} is in use by another Backroom process that is not answering. ` +
      'Wait for it to finish, or stop it, then try again.');
    this.name = 'DataDirLockedError';
  }
}
