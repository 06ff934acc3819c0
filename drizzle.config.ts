import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // participants.ts references tickets, so schema.ts cannot re-export it (an import cycle): both are named here.
  schema: ['./src/db/schema.ts', './src/db/participants.ts'],
  out: './migrations',
});
