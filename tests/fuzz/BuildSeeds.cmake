# Compiles each example pipeline to bytecode: the bytecode fuzzer's seeds.
file(GLOB sources "${SOURCES}/*.wf")
foreach(source IN LISTS sources)
  get_filename_component(name "${source}" NAME_WE)
  execute_process(COMMAND "${WFC}" build "${source}" -o "${OUT}/${name}.wfb"
                  RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
endforeach()
