// Builds the @shoplens/native addon (libs/native/crate, Rust) into
// libs/native/shoplens_native.node with cargo, from crates.io on first use.
// Without cargo the build says so and succeeds: the library then uses its JavaScript
// paths (slower). SHOPLENS_NATIVE=required (CI) makes a missing toolchain an error.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const crate = join(root, 'libs/native/crate');
const targetDir = join(root, '.cache/native-target');
const out = join(root, 'libs/native/shoplens_native.node');
const required = process.env.SHOPLENS_NATIVE === 'required';

const cargo = process.env.CARGO ?? 'cargo';
if (spawnSync(cargo, ['--version'], { stdio: 'ignore' }).status !== 0) {
  const message =
    'build-native: cargo not found (install Rust from https://rustup.rs): ' +
    '@shoplens/native will use its JavaScript paths, which are slower';
  if (required) {
    console.error(`${message}; SHOPLENS_NATIVE=required, so this is an error`);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

execFileSync(cargo, ['build', '--release', '--locked', '--target-dir', targetDir], {
  cwd: crate,
  stdio: 'inherit',
});
// A new file renamed into place: a process that has the old addon loaded keeps its mapping.
const library = { darwin: 'libshoplens_native.dylib', win32: 'shoplens_native.dll' }[
  process.platform
];
copyFileSync(join(targetDir, 'release', library ?? 'libshoplens_native.so'), `${out}.tmp`);
renameSync(`${out}.tmp`, out);
console.log(`build-native: ${out}`);
