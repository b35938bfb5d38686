// PostgreSQL schema names the store relies on (the schema itself: src/store/migrations/postgres/).
/** The name of the unique constraint whose violation means "UniqueName taken". */
export const SERVICE_UNIQUE_NAME_CONSTRAINT = 'services_account_unique_name';
