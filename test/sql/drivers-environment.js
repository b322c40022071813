// The jest environment of the driver tests: node's, with the worker process itself in
// America/New_York while the file runs (a test file's process.env is jest's copy, which the clock never
// reads), so a value that depends on the machine's zone fails. teardown puts the zone back for the next
// file of the same worker.
const { TestEnvironment } = require('jest-environment-node');

const ZONE = 'America/New_York';

class DriversEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.savedZone = process.env.TZ;
    process.env.TZ = ZONE;
    this.global.process.env.TZ = ZONE;
  }

  async teardown() {
    if (this.savedZone === undefined) delete process.env.TZ;
    else process.env.TZ = this.savedZone;
    await super.teardown();
  }
}

module.exports = DriversEnvironment;
