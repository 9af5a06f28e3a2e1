/** What the results were measured on and of: machine, software versions, commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
  cores: number;
  cpu_model: string;
  memory_bytes: number;
  node_version: string;
  os: string;
  open_files_limit: number;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // Falls back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** The hard limit children can raise their open-file limit to. */
export function openFilesLimit(): number {
  try {
    return Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

export function machineInfo(): MachineInfo {
  return {
    cores: os.cpus().length,
    cpu_model: cpuModel(),
    memory_bytes: os.totalmem(),
    node_version: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    open_files_limit: openFilesLimit(),
  };
}

export function gitCommit(root: string): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}
