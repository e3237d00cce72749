import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';

const run = promisify(execFile);
/** The compiled command, as `npm run token` runs it (the global setup builds dist/). */
const COMMAND = path.resolve(__dirname, '../../dist/auth/token.command.js');

/** `npm run token`: a newcomer asks it for help, mistypes an option, and mints a token. */
describe('npm run token', () => {
  const env = { ...process.env, AUTH_DEV_MODE: 'true', AUTH_DEV_SECRET_FILE: path.join(mkdtempSync(path.join(tmpdir(), 'c360-token-')), 'secret') };
  const token = (...args: string[]) => run(process.execPath, [COMMAND, ...args], { env });

  it('prints its usage for --help, naming every role and option, and exits 0', async () => {
    const { stdout } = await token('--help');
    expect(stdout).toMatch(/^Usage: npm run -s token -- --role <role>/);
    for (const word of ['admin', 'steward', 'analyst', 'marketer', 'service', '--purpose', '--ttl', '--scope', '--subject']) expect(stdout).toContain(word);
  });

  it('refuses an unknown option with the usage and a non-zero exit', async () => {
    await expect(token('--bogus')).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/Unknown option '--bogus'[\s\S]*Usage:/) });
  });

  it('mints a token carrying the role and purpose asked for', async () => {
    const { stdout } = await token('--role', 'service', '--purpose', 'marketing_email');
    expect(decodeJwt(stdout.trim())).toMatchObject({ roles: ['service'], purpose: 'marketing_email' });
  });
});
