/** One page of a list, the same shape in every service: `?page&limit` in, this out. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}
