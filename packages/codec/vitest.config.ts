import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  // Property and fuzz tests run thousands of cases; on a loaded 2-core box they need more than 5 s.
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
