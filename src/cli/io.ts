/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliIO {
  stdout(text: string): void
  stderr(text: string): void
}

export const PROCESS_IO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}
