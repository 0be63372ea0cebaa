/* Channels page: a Retry button in each dead letter's row of the messages grid. A click sets
   the grid's cellRendererData to the message's id; the page's callback posts the retry. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions =
  window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.ChannelRetry = function (props) {
  if (!props.value) {
    return null;
  }
  return React.createElement(
    "button",
    {
      className: "chn-retry",
      type: "button",
      "data-message": props.data.id,
      onClick: function () { props.setData(props.data.id); },
    },
    props.value
  );
};
