import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Controller } from '../../../src/kube/controller.js';
import { Manager } from '../../../src/kube/manager.js';
import { flush } from '../../support/fake-clock.js';

class StubInformer {
  synced = false;
  started = false;
  stopped = false;
  private wake: Array<() => void> = [];
  start() {
    this.started = true;
  }
  async stop() {
    this.stopped = true;
  }
  hasSynced() {
    return this.synced;
  }
  waitForSync() {
    return this.synced ? Promise.resolve() : new Promise<void>((r) => this.wake.push(r));
  }
  sync() {
    this.synced = true;
    this.wake.splice(0).forEach((w) => w());
  }
}

describe('manager', () => {
  it('starts controllers only after informers sync, and stops gracefully on SIGTERM', async () => {
    const signals = new EventEmitter();
    const inf = new StubInformer();
    const reconciled: string[] = [];
    let release!: () => void;
    const ctrl = new Controller({
      name: 'demo',
      reconcile: async (_ctx, key) => {
        reconciled.push(key);
        await new Promise<void>((r) => (release = r));
        reconciled.push(`${key} done`);
        return {};
      },
    });
    const mgr = new Manager({ signals, healthBindAddress: '127.0.0.1:0' });
    mgr.addInformer(inf);
    mgr.addController(ctrl);
    const running = mgr.run();
    await flush();
    ctrl.enqueue('ns/a');
    await flush();
    expect(inf.started).to.equal(true);
    expect(reconciled).to.deep.equal([]);
    expect((await fetch(`${mgr.healthUrl}/readyz`)).status).to.equal(503);
    inf.sync();
    await flush();
    expect(reconciled).to.deep.equal(['ns/a']);
    expect((await fetch(`${mgr.healthUrl}/readyz`)).status).to.equal(200);
    signals.emit('SIGTERM');
    await flush();
    release();
    expect(await running).to.equal('signal');
    expect(reconciled).to.deep.equal(['ns/a', 'ns/a done']);
    expect(inf.stopped).to.equal(true);
    expect(signals.listenerCount('SIGTERM')).to.equal(0);
  });
});
