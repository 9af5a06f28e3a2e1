// The reliability soak (docs/reliability.md): 60 s of clients sending through connection cuts, a slow
// reader and a hostile client, then an exact account of every message and of the server's memory.
// SOAK_SECONDS and SOAK_CLIENTS shorten or lengthen it (npm run soak runs it longer, outside mocha).
import { expect } from 'chai';
import { formatSoakReport, runSoak } from './soak-harness';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const clients = Number(process.env.SOAK_CLIENTS ?? 60);
const seed = Number(process.env.SOAK_SEED ?? 1);

describe('09-reliability: soak', function () {
  it(`loses, duplicates and reorders no acknowledged message over ${seconds} s of cuts, a slow reader and a hostile client, within the memory budget`, async function () {
    // Set-up (logins) and settling (resume windows, reconnection back-off) come on top of the traffic.
    this.timeout(seconds * 1000 + 90_000);
    const report = await runSoak({ seconds, clients, seed });
    const text = formatSoakReport(report);
    console.log(text);
    const { p2p, channel } = report.ledger;
    expect(p2p.acknowledged, text).to.be.greaterThan(0);
    expect(channel.acknowledged, text).to.be.greaterThan(0);
    expect(report.cuts.short + report.cuts.long, 'cuts made').to.be.greaterThan(0);
    expect(report.stalls, 'slow-reader stalls made').to.be.greaterThan(0);
    expect(report.failures, text).to.deep.equal([]);
  });
});
