/** Version reported by `GET /health`; bump it with package.json. */
export const VERSION = '0.1.0';
