// What the TypeScript side and the C++ core both hard-code, checked against the files in docs/
// that both test suites read (native/test/shared_tables_test.cpp is the C++ half): the protocol's
// numbers, the account rule, and the SDK version (package.json, the one place it is written).
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { FRAME_TYPE_NAMES } from '../../lib/protocol/frame-type';
import { EventKind, OP_NAMES } from '../../lib/protocol/ops';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, MAX_VARINT_BYTES, PROTOCOL_VERSION } from '../../lib/protocol/constants';
import { accountProblem } from '../../lib/server/account';
import { SDK_VERSION } from '../../lib/web/sdk-version';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string): any => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

/** { NAME: number } from a { number: NAME } table. */
function byName(names: { [value: number]: string }): Record<string, number> {
  return Object.fromEntries(Object.entries(names).map(([value, name]) => [name, Number(value)]));
}

describe('01-protocol: the tables shared with the C++ core', () => {
  const tables = read('docs/protocol-tables.json');

  it('frame types', () => {
    expect(byName(FRAME_TYPE_NAMES)).to.deep.equal(tables.frameTypes);
  });

  it('ops', () => {
    expect(byName(OP_NAMES)).to.deep.equal(tables.ops);
  });

  it('event kinds', () => {
    const kinds: Record<string, number> = {};
    for (const [key, value] of Object.entries(EventKind)) {
      if (typeof value === 'number') kinds[key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()] = value;
    }
    expect(kinds).to.deep.equal(tables.eventKinds);
  });

  it('limits', () => {
    expect({
      protocolVersion: PROTOCOL_VERSION,
      maxFrameBytes: MAX_FRAME_BYTES,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      maxVarintBytes: MAX_VARINT_BYTES,
    }).to.deep.equal(tables.limits);
  });

  it('the account rule (docs/account-vectors.json)', () => {
    const { vectors } = read('docs/account-vectors.json');
    expect(vectors.length).to.be.above(10);
    for (const v of vectors as Array<{ name: string; hex: string; valid: boolean }>) {
      const problem = accountProblem(Buffer.from(v.hex, 'hex'));
      expect(problem === null, `${v.name}: ${problem}`).to.equal(v.valid);
    }
  });

  it('the SDK version of the web SDK is the package version', () => {
    expect(SDK_VERSION).to.equal(read('package.json').version);
  });
});
