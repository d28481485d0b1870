import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/**
 * `?page&limit` of every paged list, the same everywhere: at most 100 items a page, and at most
 * page 10,000 so an OFFSET can never ask the database to skip a million rows. A list's own query
 * DTO extends it with its filters.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ type: Number, default: 1, minimum: 1, maximum: 10_000 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  page = 1;

  @ApiPropertyOptional({ type: Number, default: 20, minimum: 1, maximum: 100 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}
