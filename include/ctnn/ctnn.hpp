// Everything ctnn has, for host programs: the core (models, layers,
// activations, inference) and the host-only parts (errors, summary).
#pragma once

#include "core.hpp"
#include "error.hpp"
#include "summary.hpp"
