// STIX 2.1 vocabularies (section 10): open vocabularies ("-ov", values outside are
// warnings) and enumerations ("-enum", values outside are errors). Immutable; thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"

namespace kongsi::stix {

class Vocabulary {
 public:
  Vocabulary(std::string name, std::initializer_list<std::string_view> values);
  const std::string& name() const { return name_; }
  bool Contains(std::string_view value) const;

 private:
  std::string name_;
  absl::flat_hash_set<std::string> values_;
};

namespace vocab {
extern const Vocabulary kAccountType;                 // account-type-ov
extern const Vocabulary kAttackMotivation;            // attack-motivation-ov
extern const Vocabulary kAttackResourceLevel;         // attack-resource-level-ov
extern const Vocabulary kEncryptionAlgorithm;         // encryption-algorithm-enum
extern const Vocabulary kExtensionType;               // extension-type-enum
extern const Vocabulary kGroupingContext;             // grouping-context-ov
extern const Vocabulary kHashAlgorithm;               // hash-algorithm-ov
extern const Vocabulary kIdentityClass;               // identity-class-ov
extern const Vocabulary kImplementationLanguage;      // implementation-language-ov
extern const Vocabulary kIndicatorType;               // indicator-type-ov
extern const Vocabulary kIndustrySector;              // industry-sector-ov
extern const Vocabulary kInfrastructureType;          // infrastructure-type-ov
extern const Vocabulary kMalwareResult;               // malware-result-ov
extern const Vocabulary kMalwareCapabilities;         // malware-capabilities-ov
extern const Vocabulary kMalwareType;                 // malware-type-ov
extern const Vocabulary kNetworkSocketAddressFamily;  // network-socket-address-family-enum
extern const Vocabulary kNetworkSocketType;           // network-socket-type-enum
extern const Vocabulary kOpinion;                     // opinion-enum
extern const Vocabulary kPatternType;                 // pattern-type-ov
extern const Vocabulary kProcessorArchitecture;       // processor-architecture-ov
extern const Vocabulary kRegion;                      // region-ov
extern const Vocabulary kReportType;                  // report-type-ov
extern const Vocabulary kThreatActorType;             // threat-actor-type-ov
extern const Vocabulary kThreatActorRole;             // threat-actor-role-ov
extern const Vocabulary kThreatActorSophistication;   // threat-actor-sophistication-ov
extern const Vocabulary kToolType;                    // tool-type-ov
extern const Vocabulary kWindowsIntegrityLevel;       // windows-integrity-level-enum
extern const Vocabulary kWindowsPebinaryType;         // windows-pebinary-type-ov
extern const Vocabulary kWindowsRegistryDatatype;     // windows-registry-datatype-enum
extern const Vocabulary kWindowsServiceStartType;     // windows-service-start-type-enum
extern const Vocabulary kWindowsServiceType;          // windows-service-type-enum
extern const Vocabulary kWindowsServiceStatus;        // windows-service-status-enum
}  // namespace vocab

}  // namespace kongsi::stix
