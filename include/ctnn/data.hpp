// Data (ctnn/data/): Dataset, Table, the CSV, ARFF and IDX loaders, the
// scalers and split. Host only.
#pragma once

#include "data/arff.hpp"
#include "data/csv.hpp"
#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "data/scalers.hpp"
#include "data/split.hpp"
#include "data/table.hpp"
