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
import type { Page, Product } from '@shopflow/contracts';
import { Authenticated, CurrentUser, Roles, type AuthenticatedUser } from '@shopflow/platform/security';
import { ValidationFailedException } from '@shopflow/platform/service';
import {
  CreateProductDto,
  ProductDto,
  ProductPageDto,
  ProductQueryDto,
  UpdateProductDto,
} from './product.dto';
import { ProductsService } from './products.service';

const uuid = new ParseUUIDPipe();
const etag = (product: Product) => `"${product.version}"`;

@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOkResponse({ type: ProductPageDto, description: 'ACTIVE products, filtered and sorted' })
  list(@Query() query: ProductQueryDto): Promise<Page<Product>> {
    if (
      query.minPriceCents !== undefined &&
      query.maxPriceCents !== undefined &&
      query.minPriceCents > query.maxPriceCents
    )
      throw new ValidationFailedException([
        { field: 'minPriceCents', message: 'minPriceCents must not exceed maxPriceCents' },
      ]);
    return this.products.search(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ProductDto, description: 'With `ETag: "<version>"` for a later If-Match' })
  @ApiNotFoundResponse({ description: 'PRODUCT.NOT_FOUND' })
  async get(
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Product> {
    const product = await this.products.get(id);
    void reply.header('etag', etag(product));
    return product;
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
    description: 'The ETag you read; or `version` in the body',
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
    void reply.header('etag', etag(product));
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

/** `If-Match: "3"` (or W/"3"), else the body's version; when both are given they must agree. */
function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (ifMatch === undefined) return bodyVersion;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(ifMatch.trim());
  if (!match)
    throw new ValidationFailedException([
      { field: 'If-Match', message: 'If-Match must be an ETag such as "3"' },
    ]);
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw new ValidationFailedException([{ field: 'version', message: 'version and If-Match disagree' }]);
  return version;
}
