// The route groups RegisterRoutes adds; one file each.
#pragma once

#include "api/api.h"

namespace herald::api {

void AddHealthRoutes(http::Router& router, ApiContext& context);
void AddAccountRoutes(http::Router& router, ApiContext& context);
void AddMessageRoutes(http::Router& router, ApiContext& context);
void AddSandboxRoutes(http::Router& router, ApiContext& context);
void AddSmtpConnectionRoutes(http::Router& router, ApiContext& context);
void AddQueueRoutes(http::Router& router, ApiContext& context);
void AddDomainRoutes(http::Router& router, ApiContext& context);
void AddProfileRoutes(http::Router& router, ApiContext& context);
void AddCampaignRoutes(http::Router& router, ApiContext& context);
void AddTrackingRoutes(http::Router& router, ApiContext& context);
void AddStatsRoutes(http::Router& router, ApiContext& context);
void AddExportRoutes(http::Router& router, ApiContext& context);
void AddTableRoutes(http::Router& router, ApiContext& context);
void AddSuppressionRoutes(http::Router& router, ApiContext& context);
void AddWebhookRoutes(http::Router& router, ApiContext& context);
void AddTestClockRoutes(http::Router& router, ApiContext& context);

}  // namespace herald::api
