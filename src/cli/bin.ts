#!/usr/bin/env node
// The `hyperpool` executable (package.json "bin"): the command line, with the process's exit code.
import { runCli } from './main.ts'

process.exitCode = await runCli(process.argv.slice(2))
