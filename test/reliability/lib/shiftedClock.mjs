/**
 * Preloaded into the service process (node --import) by tests that need the service to live at
 * another hour, e.g. 01h00 in quiet hours: Date reads NTH_CLOCK_AT at start and runs on from there
 * at the real pace. The service code is untouched; performance.now() (rate limits) stays real.
 */
const start = Date.parse(process.env.NTH_CLOCK_AT ?? '');
if (Number.isFinite(start)) {
  const RealDate = Date;
  const offset = start - RealDate.now();
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
