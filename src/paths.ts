import path from 'node:path';

/** The project root: src/ and dist/ both sit one level below it. */
export const projectRoot = path.resolve(__dirname, '..');
export const migrationsDir = path.join(projectRoot, 'migrations');
export const defaultTemplatesDir = path.join(projectRoot, 'templates');
