import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Page, UserProfile } from '@shopflow/contracts';
import { Authenticated, Roles } from '@shopflow/platform/security';
import { PageQueryDto } from '@shopflow/platform/service';
import { ChangeRolesDto, UserPageDto, UserProfileDto } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('v1/users')
@Authenticated()
@Roles('admin')
@ApiForbiddenResponse({ description: 'The caller is not an admin' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: PageQueryDto): Promise<Page<UserProfile>> {
    return this.users.list(query.page, query.limit);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserProfileDto })
  @ApiNotFoundResponse({ description: 'USER.NOT_FOUND' })
  changeRoles(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ChangeRolesDto,
  ): Promise<UserProfile> {
    return this.users.changeRoles(id, body.roles);
  }
}
