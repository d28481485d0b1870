// The catalog benchmark's baseline: a bare Fastify + mysql2 server answering the catalog's two public
// reads with the same SQL the service runs (same column list, same WHERE, ORDER BY, LIMIT, and the
// page's COUNT), and the same JSON. No Nest, no validation pipes, no hooks, no metrics, no logs.
// Started by catalog.bench.ts as its own process, as the service is; the bench compares their answers
// before it measures either. Env: DATABASE_URL, DATABASE_POOL_SIZE, HTTP_PORT.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { createPool, type RowDataPacket } from 'mysql2/promise';

const COLUMNS =
  'id, sku, name, description, category, price_cents, currency, stock_available, stock_reserved, status, version, created_at, updated_at';
const SORTS: Record<string, string> = { name: 'name', priceCents: 'price_cents', createdAt: 'created_at' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The options TypeORM's mysql driver passes to mysql2 for the service's DataSource.
const pool = createPool({
  uri: process.env['DATABASE_URL'],
  connectionLimit: Number(process.env['DATABASE_POOL_SIZE'] ?? 10),
  charset: 'utf8mb4_unicode_ci',
  timezone: 'Z',
  supportBigNumbers: true,
  bigNumberStrings: true,
  stringifyObjects: true,
  connectTimeout: 5_000,
  enableKeepAlive: true,
});

const product = (row: RowDataPacket) => ({
  id: row['id'],
  sku: row['sku'],
  name: row['name'],
  description: row['description'],
  category: row['category'],
  priceCents: row['price_cents'],
  currency: row['currency'],
  stockAvailable: row['stock_available'],
  stockReserved: row['stock_reserved'],
  status: row['status'],
  version: row['version'],
  createdAt: (row['created_at'] as Date).toISOString(),
  updatedAt: (row['updated_at'] as Date).toISOString(),
});

const app = Fastify({ logger: false });

app.get<{ Params: { id: string } }>('/v1/products/:id', async (request, reply) => {
  if (!UUID.test(request.params.id)) return reply.code(400).send({ code: 'VALIDATION.FAILED' });
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM product WHERE id = ?`, [
    request.params.id,
  ]);
  if (!rows[0]) return reply.code(404).send({ code: 'PRODUCT.NOT_FOUND' });
  const body = product(rows[0]);
  void reply.header('etag', `"${body.version}-${body.stockAvailable}-${body.stockReserved}"`);
  return body;
});

app.get<{ Querystring: Record<string, string | undefined> }>('/v1/products', async (request, reply) => {
  const query = request.query;
  const page = Number(query['page'] ?? 1);
  const limit = Number(query['limit'] ?? 20);
  const sort = query['sort'] ?? 'name';
  const where = ["status = 'ACTIVE'"];
  const params: unknown[] = [];
  if (query['category'] !== undefined) {
    where.push('category = ?');
    params.push(query['category']);
  }
  if (query['minPriceCents'] !== undefined) {
    where.push('price_cents >= ?');
    params.push(Number(query['minPriceCents']));
  }
  if (query['maxPriceCents'] !== undefined) {
    where.push('price_cents <= ?');
    params.push(Number(query['maxPriceCents']));
  }
  const direction = sort.startsWith('-') ? 'DESC' : 'ASC';
  const column = SORTS[sort.replace(/^-/, '')] ?? 'name';
  const filter = where.join(' AND ');
  const [[rows], [count]] = await Promise.all([
    pool.query<RowDataPacket[]>(
      `SELECT ${COLUMNS} FROM product WHERE ${filter} ORDER BY ${column} ${direction}, id ${direction} LIMIT ? OFFSET ?`,
      [...params, limit, (page - 1) * limit],
    ),
    pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS total FROM product WHERE ${filter}`, params),
  ]);
  // The same HTTP contract as the service: a page carries a digest of its body as its ETag.
  const body = JSON.stringify({
    items: rows.map(product),
    total: Number(count[0]?.['total'] ?? 0),
    page,
    limit,
  });
  void reply.header('etag', `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`);
  return reply.type('application/json; charset=utf-8').send(body);
});

app.listen({ port: Number(process.env['HTTP_PORT']), host: '127.0.0.1' }).then(
  () => process.stdout.write('ready\n'),
  (error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);

const stop = () => void app.close().then(() => pool.end().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
