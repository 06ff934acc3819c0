/** Output of CLI commands; tests pass their own to capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  stdin: () => Promise<Buffer>;
}

/**
 * Writes lines to a standard stream until its reader goes away
 * (`helpdesk tickets show N | head`): then the rest is dropped and the
 * command ends as it would have, quietly. Without a listener, the EPIPE a
 * closed pipe gives is an unhandled 'error' event, and the process dies with
 * a stack trace.
 */
function lines(stream: NodeJS.WriteStream): (text: string) => void {
  let gone = false;
  let listening = false;
  return (text) => {
    if (!listening) {
      listening = true;
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
        gone = true;
      });
    }
    if (gone || stream.destroyed) return;
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  };
}

export const processIo: Io = {
  out: lines(process.stdout),
  err: lines(process.stderr),
  env: process.env,
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  },
};
