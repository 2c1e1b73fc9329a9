/* cmd_render.c - flame render (placeholder until the command lands). */
#include "flame.h"

#include <cli.h>

int cmd_render(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("not implemented yet");
}
