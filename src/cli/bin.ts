#!/usr/bin/env node
// The `hyperpool` executable (package.json "bin"): the command line, with the process's exit code.
import { runCli } from './main.ts'

// A reader that closes the pipe early (`hyperpool summary dir | head -1`) has what it wanted: end quietly,
// as other command-line tools do, rather than with an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(process.exitCode ?? 0)
})

process.exitCode = await runCli(process.argv.slice(2))
