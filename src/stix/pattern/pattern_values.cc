// Observable values named by equality comparisons of a STIX pattern.
#include "stix/pattern/pattern_values.h"

#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "stix/observable.h"
#include "util/strings.h"

namespace kongsi::stix::pattern {
namespace {

// The value-index kind of `path`, or "" when it is not an indexed value property.
std::string KindOf(const ObjectPath& path) {
  const std::vector<PathStep>& steps = path.steps;
  for (const PathStep& step : steps) {
    if (step.kind != PathStep::Kind::kProperty) return "";
  }
  if (steps.size() == 1) return IndexedValueKind(path.object_type, steps[0].name);
  if (steps.size() == 2 && steps[0].name == "hashes" && !steps[1].name.empty()) {
    return util::StrCat(path.object_type, ":hashes.", steps[1].name);
  }
  return "";
}

class Collector {
 public:
  explicit Collector(std::vector<ObservableValue>& out) : out_(out) {}

  void VisitObservation(const ObservationExpr& e) {
    if (e.kind == ObservationExpr::Kind::kObservation) {
      VisitComparisons(e.comparison);
      return;
    }
    for (const ObservationExpr& child : e.children) VisitObservation(child);
  }

 private:
  void VisitComparisons(const ComparisonExpr& e) {
    if (e.kind == ComparisonExpr::Kind::kComparison) {
      VisitComparison(e.comparison);
      return;
    }
    for (const ComparisonExpr& child : e.children) VisitComparisons(child);
  }

  void VisitComparison(const Comparison& c) {
    if (c.negated || (c.op != Operator::kEqual && c.op != Operator::kIn)) return;
    const std::string kind = KindOf(c.path);
    if (kind.empty()) return;
    for (const Literal& literal : c.values) {
      if (literal.kind != LiteralKind::kString || literal.text.empty()) continue;
      ObservableValue value{kind, NormaliseObservable(kind, literal.text)};
      if (value.value.empty()) continue;
      if (!seen_.insert(util::StrCat(value.kind, std::string_view("\0", 1), value.value)).second) {
        continue;
      }
      out_.push_back(std::move(value));
    }
  }

  std::vector<ObservableValue>& out_;
  absl::flat_hash_set<std::string> seen_;
};

}  // namespace

void AppendPatternValues(const Pattern& pattern, std::vector<ObservableValue>& out) {
  Collector(out).VisitObservation(pattern.root);
}

}  // namespace kongsi::stix::pattern
