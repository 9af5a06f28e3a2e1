// The TypeScript surface against the Windows surface of /shared/spec/api-surface.md: every
// ICallBack callback and IAgoraAPI method, in order, with its parameters (a (pointer, size) string
// is one parameter). lib/types.ts is read with the TypeScript compiler, so this checks the
// declarations themselves.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { createAgoraSDKInstanceWin } from '../../lib';
import { REPO_ROOT } from './helpers';

const SPEC = path.resolve(REPO_ROOT, '../shared/spec/api-surface.md');

interface SpecParam {
  name: string;
  optional: boolean;
}
interface SpecMember {
  name: string;
  params: SpecParam[];
}

/** The rows of the markdown table under the heading that starts with `heading`. */
function tableRows(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`spec has no section "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells[0] === '---' || cells[0] === 'callback' || cells[0] === 'method') continue;
    rows.push(cells);
  }
  return rows;
}

function parseParams(column: string): SpecParam[] {
  const withoutNotes = column.replace(/\([^)]*\)/g, '').trim();
  if (withoutNotes === '') return [];
  return withoutNotes.split(',').map((part) => {
    const [decl, dflt] = part.split('=');
    const words = decl.trim().split(/[\s*]+/).filter(Boolean);
    return { name: words[words.length - 1], optional: dflt !== undefined };
  });
}

function specMembers(markdown: string, heading: string): SpecMember[] {
  return tableRows(markdown, heading).map((cells) => ({
    name: cells[0].replace(/`/g, ''),
    params: parseParams(cells[1] ?? ''),
  }));
}

interface TsMember {
  name: string;
  optionalMember: boolean;
  params: Array<{ name: string; optional: boolean }>;
}

function tsInterface(file: string, name: string): TsMember[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!decl) throw new Error(`${file} declares no interface ${name}`);
  return decl.members.filter(ts.isMethodSignature).map((m) => ({
    name: m.name.getText(source),
    optionalMember: m.questionToken !== undefined,
    params: m.parameters.map((p) => ({
      name: p.name.getText(source),
      optional: p.questionToken !== undefined || p.initializer !== undefined,
    })),
  }));
}

function compare(spec: SpecMember[], actual: TsMember[], extrasAllowed: string[]): void {
  const actualNames = actual.map((m) => m.name);
  for (const member of spec) expect(actualNames, `missing ${member.name}`).to.include(member.name);
  const specNames = spec.map((m) => m.name);
  expect(actualNames.filter((n) => specNames.includes(n)), 'member order').to.deep.equal(specNames);
  expect(actualNames.filter((n) => !specNames.includes(n)), 'members beyond the spec').to.deep.equal(extrasAllowed);

  for (const member of spec) {
    const ts = actual.find((m) => m.name === member.name)!;
    const where = `${member.name}(${ts.params.map((p) => p.name).join(', ')})`;
    expect(ts.params.length, `${where}: parameter count`).to.be.at.least(member.params.length);
    member.params.forEach((p, i) => {
      expect(ts.params[i].name, `${where}: parameter ${i + 1}`).to.equal(p.name);
      if (p.optional) expect(ts.params[i].optional, `${where}: ${p.name} has a default`).to.equal(true);
    });
    ts.params.slice(member.params.length).forEach((p) => {
      expect(p.optional, `${where}: ${p.name} goes beyond the spec, so it must be optional`).to.equal(true);
    });
  }
}

describe('03-addon: API surface of lib/types.ts', () => {
  const typesFile = path.join(REPO_ROOT, 'lib', 'types.ts');
  let spec = '';

  before(function () {
    if (!fs.existsSync(SPEC)) {
      console.warn(`    skipped: the surface spec ${SPEC} is absent (the shared directory is not beside the clone)`);
      this.skip();
    }
    spec = fs.readFileSync(SPEC, 'utf8');
  });

  it('parses a complete surface out of the spec', () => {
    expect(specMembers(spec, '## ICallBack')).to.have.length(37);
    expect(specMembers(spec, '## IAgoraAPI')).to.have.length(47);
  });

  it('declares every ICallBack callback, in order, optional, with its parameters', () => {
    const callbacks = tsInterface(typesFile, 'ICallBack');
    compare(specMembers(spec, '## ICallBack'), callbacks, []);
    for (const cb of callbacks) expect(cb.optionalMember, `${cb.name} is optional`).to.equal(true);
  });

  it('declares every IAgoraAPI method, in order, with its parameters (plus destroy)', () => {
    compare(specMembers(spec, '## IAgoraAPI'), tsInterface(typesFile, 'IAgoraAPI'), ['destroy']);
  });

  it('implements every IAgoraAPI method at run time', () => {
    const api = createAgoraSDKInstanceWin('') as unknown as Record<string, unknown>;
    try {
      for (const m of specMembers(spec, '## IAgoraAPI')) {
        expect(typeof api[m.name], m.name).to.equal('function');
      }
    } finally {
      (api.destroy as () => void)();
    }
  });

  it('has the native bridge name its events exactly as ICallBack does, in order', () => {
    const bridge = fs.readFileSync(path.join(REPO_ROOT, 'native', 'addon', 'callback_bridge.cpp'), 'utf8');
    const table = /kEventNames\[\] = \{([^}]*)\}/.exec(bridge);
    expect(table, 'kEventNames in callback_bridge.cpp').to.not.equal(null);
    const names = [...table![1].matchAll(/"(\w+)"/g)].map((m) => m[1]);
    expect(names).to.deep.equal(specMembers(spec, '## ICallBack').map((m) => m.name));
  });
});
