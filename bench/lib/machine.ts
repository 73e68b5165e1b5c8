/** What the figures were measured on: they only mean something next to the machine. */
import { cpus, totalmem, platform, release } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  disk: string;
}

function diskOf(): string {
  // Fsync cost decides the webhook figures; say at least what the OS reports for the root device.
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n');
    const root = mounts.map((l) => l.split(' ')).find((f) => f[1] === '/');
    return root ? `${root[2]} on ${root[0]}` : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
    disk: diskOf(),
  };
}
