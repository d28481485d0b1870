// The one list of service databases: schema, least-privileged user, and the LOCAL-DEVELOPMENT-ONLY
// default password (overridden by <SERVICE>_DB_PASSWORD; production passwords come from secrets).
export const DATABASES = [
  { service: 'auth', schema: 'auth', user: 'auth_svc', devPassword: 'auth-dev-password', port: 3001 },
  {
    service: 'catalog',
    schema: 'catalog',
    user: 'catalog_svc',
    devPassword: 'catalog-dev-password',
    port: 3002,
  },
  { service: 'order', schema: 'orders', user: 'order_svc', devPassword: 'order-dev-password', port: 3003 },
];
