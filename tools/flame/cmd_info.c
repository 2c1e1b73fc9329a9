/* cmd_info.c - flame info (placeholder until the command lands). */
#include "flame.h"

#include <cli.h>

int cmd_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("not implemented yet");
}
