// spdlog configuration shared by every command.
#include "util/log.h"

#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace kongsi::util {

void SetUpLogging(LogLevel level) {
  auto logger = spdlog::stderr_color_mt("kongsi");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  switch (level) {
    case LogLevel::kQuiet:
      logger->set_level(spdlog::level::err);
      break;
    case LogLevel::kNormal:
      logger->set_level(spdlog::level::info);
      break;
    case LogLevel::kVerbose:
      logger->set_level(spdlog::level::debug);
      break;
  }
  spdlog::set_default_logger(logger);
}

}  // namespace kongsi::util
