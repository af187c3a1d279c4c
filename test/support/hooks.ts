/** Mocha root hooks: whatever the run started is stopped once it ends. */
import { removeTempFiles } from './files.js';
import { stopAll } from './pg.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopAll();
    removeTempFiles();
  },
};
