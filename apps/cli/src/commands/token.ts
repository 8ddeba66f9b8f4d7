import { createToken } from '@media-sync/sync-server';
import { type Command, InvalidArgumentError } from 'commander';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { readSecrets } from './serve.js';

interface TokenOptions {
  secret?: string;
  secretFile?: string;
  kid?: string;
  user: string;
  device: string;
  ttl: number;
  json?: boolean;
}

/** `media-sync token --user U --device D [--ttl 1d] [--kid K] [--json]`: prints a gateway token (a JWT). */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('print a signed gateway token (JWT, HS256) for one device of one user')
    .requiredOption('--user <userId>', 'the user the token grants')
    .requiredOption('--device <deviceId>', 'the device the token grants')
    .option('--ttl <duration>', 'lifetime: milliseconds or a number with s, m, h or d', parseDuration, 24 * 3_600_000)
    .option(
      '--secret-file <file>',
      'file holding the gateway secret, or "<kid> <secret>" lines (default: MEDIA_SYNC_SECRET)',
    )
    .option('--secret <secret>', 'the gateway secret (visible in ps: prefer MEDIA_SYNC_SECRET or --secret-file)')
    .option('--kid <kid>', 'which key signs, when there are several (default: the first)')
    .option('--json', 'print { token, userId, deviceId, kid, expiresAt } as JSON')
    .action(async (options: TokenOptions) => {
      const token = await createToken({
        secret: readSecrets(options),
        ...(options.kid === undefined ? {} : { kid: options.kid }),
        userId: options.user,
        deviceId: options.device,
        ttlMs: options.ttl,
      });
      if (options.json) {
        const claims = decodeJwt(token);
        const report = {
          token,
          userId: options.user,
          deviceId: options.device,
          kid: decodeProtectedHeader(token).kid,
          expiresAt: new Date((claims.exp ?? 0) * 1000).toISOString(),
        };
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        process.stdout.write(`${token}\n`);
      }
    });
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s` → 90 000; `15m`, `12h`, `7d`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(
      `expected a positive duration like 90s, 15m, 12h or 7d, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
