/** A UUID in its canonical text form, any version, either case: what route parameters naming an entity must be. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
