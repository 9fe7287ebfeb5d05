// The repository contract run against the JSON folder, the embedded default. A crash state is a copy
// of the folder taken just before one of its files is written (and one after the last write): what a
// kill at that moment leaves on disk.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';
import { repositoryContract, type OpenedStore } from './contract';

afterAll(removeTempDirs);

async function openFolder(dir: string, beforeWrite?: (file: string) => void): Promise<OpenedStore> {
  const store = await openStore(dir, { beforeWrite });
  return { repos: jsonRepositories(store), close: () => store.flush() };
}

repositoryContract({
  name: 'JSON folder',
  async create() {
    const dir = join(await tempDir('br-contract-'), 'data');
    return {
      open: () => openFolder(dir),
      async crashStates(during) {
        const copies: string[] = [];
        const root = await tempDir('br-crash-');
        const take = () => {
          const copy = join(root, String(copies.length));
          cpSync(dir, copy, { recursive: true });
          copies.push(copy);
        };
        const opened = await openFolder(dir, take);
        await opened.close();
        take();
        await during(opened.repos);
        await opened.close();
        take();
        return copies.map((copy) => () => openFolder(copy));
      },
    };
  },
});
