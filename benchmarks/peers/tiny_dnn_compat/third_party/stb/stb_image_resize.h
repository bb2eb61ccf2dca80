// tiny-dnn includes "third_party/stb/stb_image_resize.h" (its bundled copy); Debian ships
// stb in libstb-dev as <stb/stb_image_resize.h>.
#include <stb/stb_image_resize.h>
