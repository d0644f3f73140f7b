// Builds the @shoplens/native addon (libs/native/crate, Rust) into
// libs/native/shoplens_native.node with cargo, from crates.io on first use.
// Without cargo the build says so and succeeds: the library then uses its JavaScript
// paths (slower). Gzip's level 1 is ISA-L's (the crate's `isal` feature) when its build
// tools are here (nasm, autoconf, automake, libtool; as root with apt-get they are
// installed on first use), else libdeflate's. SHOPLENS_NATIVE=required (CI) makes a missing
// toolchain, or ISA-L's, an error.
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

/** What ISA-L's build (isal-sys: autogen.sh, configure, make with nasm) runs. */
const isalTools = ['nasm', 'autoreconf', 'aclocal', 'libtoolize', 'make'];
const isalPackages = ['nasm', 'autoconf', 'automake', 'libtool', 'make'];
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const missingIsalTools = () => isalTools.filter((tool) => !has(tool));

function aptInstall(packages) {
  if (process.getuid?.() !== 0 || !has('apt-get')) return false;
  console.log(`build-native: installing ${packages.join(' ')} (apt-get) for ISA-L's gzip`);
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
  return install();
}

let missing = missingIsalTools();
if (missing.length > 0 && aptInstall(isalPackages)) missing = missingIsalTools();
const features = missing.length === 0 ? ['--features', 'isal'] : [];
if (missing.length > 0) {
  const message =
    `build-native: ${missing.join(', ')} not found: gzip level 1 uses libdeflate, about half ` +
    `ISA-L's speed (install ${isalPackages.join(' ')} for it)`;
  if (required) {
    console.error(`${message}; SHOPLENS_NATIVE=required, so this is an error`);
    process.exit(1);
  }
  console.warn(message);
}

execFileSync(cargo, ['build', '--release', '--locked', ...features, '--target-dir', targetDir], {
  cwd: crate,
  stdio: 'inherit',
});
// A new file renamed into place: a process that has the old addon loaded keeps its mapping.
const library = { darwin: 'libshoplens_native.dylib', win32: 'shoplens_native.dll' }[
  process.platform
];
copyFileSync(join(targetDir, 'release', library ?? 'libshoplens_native.so'), `${out}.tmp`);
renameSync(`${out}.tmp`, out);
console.log(`build-native: ${out}${features.length > 0 ? ' (with ISA-L)' : ''}`);
