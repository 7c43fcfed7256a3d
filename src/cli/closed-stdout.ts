/**
 * `loadtest run … | head -1`: the reader goes away, the next write to the pipe fails
 * with EPIPE, and Node emits it as an 'error' event on process.stdout; unhandled, it
 * crashed the process with a stack trace before the `--out` file was written (issue
 * 16, point 7). A closed output stream is the reader's choice, not a failure of the
 * run: later writes are dropped and the run goes on to write its files and exit with
 * its own code.
 */

/** Makes EPIPE (and writes after it) on `stream` silent. Other errors are rethrown. */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    if (!closed) throw err;
  });
}
