/** Default ports of the embedded stack, in one place. Chosen to avoid system services (PostgreSQL is not on 5432). */
export const DEFAULT_PORTS = {
  postgres: 15432,
  meilisearch: 7700,
  temporal: 7233,
  temporalUi: 8233,
  cms: 1337,
  community: 4321,
  site: 4173,
  workerMetrics: 9464,
  temporalCodec: 8234,
  smtp: 1025,
  mailWeb: 1080,
  localModel: 8089,
} as const;

export type ServiceName = keyof typeof DEFAULT_PORTS;
