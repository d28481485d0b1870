import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Product } from '@shopflow/contracts';
import { Authenticated, CurrentUser, Roles, type AuthenticatedUser } from '@shopflow/platform/security';
import { ValidationFailedException } from '@shopflow/platform/service';
import {
  CreateProductDto,
  ProductDto,
  ProductPageDto,
  ProductQueryDto,
  UpdateProductDto,
} from './product.dto';
import { noneMatch, productEtag } from '../cache/representation';
import type { Representation } from '../cache/read-cache.backend';
import { ProductsService } from './products.service';

const uuid = new ParseUUIDPipe();
/**
 * Public catalog reads: any cache may keep them for a second (the gateway's, a CDN's, a browser's),
 * then revalidate with If-None-Match. That second adds to the service's own staleness bound.
 */
const PUBLIC_READ = 'public, max-age=1';

/** Sends a cached representation as it is (no re-serialisation), or 304 when the client has it. */
function send(reply: FastifyReply, found: Representation, ifNoneMatch: string | undefined): void {
  void reply.header('etag', found.etag).header('cache-control', PUBLIC_READ);
  if (noneMatch(ifNoneMatch, found.etag)) void reply.code(304).send();
  else void reply.type('application/json; charset=utf-8').send(found.body);
}

@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOkResponse({ type: ProductPageDto, description: 'ACTIVE products, filtered and sorted; with an ETag' })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match names the current ETag' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of this page you hold' })
  async list(
    @Query() query: ProductQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (
      query.minPriceCents !== undefined &&
      query.maxPriceCents !== undefined &&
      query.minPriceCents > query.maxPriceCents
    )
      throw new ValidationFailedException([
        { field: 'minPriceCents', message: 'minPriceCents must not exceed maxPriceCents' },
      ]);
    send(reply, await this.products.pageRepresentation(query), ifNoneMatch);
  }

  @Get(':id')
  @ApiOkResponse({
    type: ProductDto,
    description:
      'With `ETag: "<version>-<available>-<reserved>"`: for If-None-Match, and for a later If-Match',
  })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match names the current ETag' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of this product you hold' })
  @ApiNotFoundResponse({ description: 'PRODUCT.NOT_FOUND' })
  async get(
    @Param('id', uuid) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    send(reply, await this.products.representation(id), ifNoneMatch);
  }

  @Post()
  @Authenticated()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: ProductDto })
  @ApiConflictResponse({ description: 'PRODUCT.SKU_TAKEN' })
  @ApiForbiddenResponse({ description: 'The caller is not an admin' })
  create(@Body() body: CreateProductDto, @CurrentUser() user: AuthenticatedUser): Promise<Product> {
    return this.products.create(body, user.id);
  }

  @Patch(':id')
  @Authenticated()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag you read (its version is compared: stock moves with orders); or `version` in the body',
  })
  @ApiOkResponse({ type: ProductDto })
  @ApiConflictResponse({ description: 'PRODUCT.VERSION_CONFLICT: someone changed it since you read it' })
  @ApiResponse({ status: 428, description: 'PRODUCT.VERSION_REQUIRED: neither If-Match nor version given' })
  @ApiNotFoundResponse({ description: 'PRODUCT.NOT_FOUND' })
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateProductDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Product> {
    const product = await this.products.update(id, body, expectedVersion(ifMatch, body.version));
    void reply.header('etag', productEtag(product));
    return product;
  }

  @Delete(':id')
  @Authenticated()
  @Roles('admin')
  @ApiBearerAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Discontinued (kept for order history; no longer listed)' })
  @ApiNotFoundResponse({ description: 'PRODUCT.NOT_FOUND' })
  async discontinue(@Param('id', uuid) id: string): Promise<void> {
    await this.products.discontinue(id);
  }
}

/**
 * `If-Match: "3-17-2"` as read (or "3", or W/"3"), else the body's version; when both are given they
 * must agree. Only the version is compared: an admin's edit must not fail because an order moved
 * the stock meanwhile, and the version is what covers the fields an edit changes.
 */
function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (ifMatch === undefined) return bodyVersion;
  const match = /^(?:W\/)?"(\d{1,9})(?:-\d{1,10}-\d{1,10})?"$/.exec(ifMatch.trim());
  if (!match)
    throw new ValidationFailedException([
      { field: 'If-Match', message: 'If-Match must be an ETag such as "3"' },
    ]);
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw new ValidationFailedException([{ field: 'version', message: 'version and If-Match disagree' }]);
  return version;
}
