/* open.c - what the flame commands share: operands and opening a profile
 * (raw file or profile database), with progress on stderr. */
#include "flame.h"

#include <cli.h>
#include <string.h>
#include <strings.h>
#include <v8a/v8a.h>

int fl_open(const char *path, const char *thread, v8a_profile **out)
{
    v8a_profile_options o;
    memset(&o, 0, sizeof o);
    o.thread = thread;
    o.progress = cli_progress;
    int rc = v8a_profile_open(path, &o, out);
    cli_progress_done();
    return rc < 0 ? cli_fail() : 0;
}

int fl_image_format(const char *path, v8a_flame_format *fmt)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/')) return -1;
    if (strcasecmp(dot, ".svg") == 0)
        *fmt = V8A_FLAME_SVG;
    else if (strcasecmp(dot, ".png") == 0)
        *fmt = V8A_FLAME_PNG;
    else if (strcasecmp(dot, ".pdf") == 0)
        *fmt = V8A_FLAME_PDF;
    else
        return -1;
    return 0;
}
