import { z } from 'zod';

/** The value types more than one section of the configuration uses. */

/** A secret: the value itself, `{env: NAME}`, or `{file: PATH}` (relative paths resolve in $CREDENTIALS_DIRECTORY). */
export const secretSchema = z.union([
  z.string(),
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ file: z.string().min(1) }),
]);
export type SecretRef = z.infer<typeof secretSchema>;

export const port = z.number().int().min(1).max(65535);
export const timeZone = z.string().refine(isTimeZone, { message: 'not an IANA time zone (e.g. Europe/Moscow)' });
export const address = z.email({ message: 'not an e-mail address' }).transform((s) => s.toLowerCase());
export const lineName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, - and _ only');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
