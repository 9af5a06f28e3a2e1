import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { AGORA_E_CODE } from '../../lib/protocol';

/** The enum AGORA_E_CODE of the C++ header, as name -> value. */
function headerCodes(): Map<string, number> {
  const header = fs.readFileSync(path.resolve(__dirname, '../../../native/include/agora_sig.h'), 'utf8');
  const body = /enum AGORA_E_CODE \{([^}]*)\}/.exec(header);
  if (body === null) throw new Error('enum AGORA_E_CODE not found in native/include/agora_sig.h');
  const codes = new Map<string, number>();
  for (const m of body[1].matchAll(/([A-Z_]+)\s*=\s*(\d+)/g)) codes.set(m[1], Number(m[2]));
  return codes;
}

describe('protocol: the error-code table', () => {
  it('is the C++ header’s enum AGORA_E_CODE, name for name and value for value', () => {
    const ts = Object.entries(AGORA_E_CODE).filter((e): e is [string, number] => typeof e[1] === 'number');
    expect(new Map(ts)).to.deep.equal(headerCodes());
  });
});
