// Run by docker-compose.yml's `metabase-setup` job (profile `bi`): on a new Metabase,
// creates the admin account and adds the shoplens warehouse as a database, connected
// as the read-only role; on one already set up, logs in and adds the warehouse only if
// no database of that name exists. Node.js built-ins only. See docs/metabase.md.

const env = process.env;

function required(name, rule) {
  const value = env[name] ?? '';
  if (!rule(value)) {
    process.stderr.write(`metabase-setup: set ${name} (${rule.describe})\n`);
    process.exit(2);
  }
  return value;
}
const nonEmpty = Object.assign((v) => v.length > 0, { describe: 'not empty' });
const password = Object.assign((v) => v.length >= 8, { describe: 'at least 8 characters' });

const base = (env.METABASE_URL ?? 'http://metabase:3000').replace(/\/$/, '');
const admin = {
  email: required('METABASE_ADMIN_EMAIL', nonEmpty),
  password: required('METABASE_ADMIN_PASSWORD', password),
};
const warehouse = {
  name: env.METABASE_DATABASE_NAME || 'shoplens',
  details: {
    host: env.WAREHOUSE_HOST || 'postgres',
    port: Number(env.WAREHOUSE_PORT || 5432),
    dbname: env.WAREHOUSE_DB || 'shoplens',
    user: env.SHOPLENS_READER_ROLE || 'shoplens_reader',
    password: required('SHOPLENS_READER_PASSWORD', password),
    ssl: false,
  },
};

async function call(method, path, body, session) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(session ? { 'x-metabase-session': session } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

async function ready() {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      const health = await call('GET', '/api/health');
      if (health?.status === 'ok') return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new Error(`Metabase at ${base} did not become healthy in 4 minutes`);
}

async function session() {
  const properties = await call('GET', '/api/session/properties');
  const token = properties['setup-token'];
  if (token && !properties['has-user-setup']) {
    const { id } = await call('POST', '/api/setup', {
      token,
      user: {
        email: admin.email,
        password: admin.password,
        first_name: 'shoplens',
        last_name: 'admin',
        site_name: 'shoplens',
      },
      prefs: { site_name: 'shoplens', site_locale: 'en', allow_tracking: false },
    });
    process.stdout.write(`metabase-setup: created the admin ${admin.email}\n`);
    return id;
  }
  const { id } = await call('POST', '/api/session', {
    username: admin.email,
    password: admin.password,
  });
  return id;
}

await ready();
const id = await session();
const listed = await call('GET', '/api/database', undefined, id);
const databases = Array.isArray(listed) ? listed : (listed?.data ?? []);
if (databases.some((d) => d.name === warehouse.name)) {
  process.stdout.write(`metabase-setup: database ${warehouse.name} is already there\n`);
} else {
  await call(
    'POST',
    '/api/database',
    { engine: 'postgres', name: warehouse.name, details: warehouse.details },
    id,
  );
  process.stdout.write(
    `metabase-setup: added ${warehouse.name} (${warehouse.details.user}@${warehouse.details.host}:${warehouse.details.port}/${warehouse.details.dbname})\n`,
  );
}
