#!/usr/bin/env node
// Plain JavaScript on purpose: it must run on any Node to say clearly when Node is too old.
// The CLI itself is TypeScript, run by Node's built-in type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (!process.features?.typescript || major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `xlir needs Node.js >= 22.18 (this is ${process.version}).\n` +
      'Install a newer Node, or from the project folder run ". build/use-node.sh" (installs Node 24 from the npm registry into .cache/).',
  );
  process.exit(1);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
